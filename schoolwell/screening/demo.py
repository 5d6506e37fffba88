def seed(district, rng, stdout) -> None:
    pass
