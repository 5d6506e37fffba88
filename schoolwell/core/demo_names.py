"""Fictional names for the demo district (no real person)."""

GIVEN = [
    "Aaliyah", "Mateo", "Sofia", "Liam", "Camila", "Noah", "Isabella", "Ethan", "Valentina", "Lucas",
    "Amara", "Diego", "Zoe", "Elijah", "Mia", "Santiago", "Ava", "Jayden", "Lucia", "Omar",
    "Hannah", "Kai", "Priya", "Gabriel", "Chloe", "Mohammed", "Emily", "Julian", "Ximena", "Caleb",
    "Nia", "Leo", "Grace", "Adrian", "Maya", "Samuel", "Aisha", "Daniel", "Ella", "Ivan",
    "Fatima", "Owen", "Layla", "Tomas", "Harper", "Ravi", "Victoria", "Andres", "Naomi", "Wyatt",
]
FAMILY = [
    "Garcia", "Nguyen", "Johnson", "Martinez", "Okafor", "Smith", "Hernandez", "Patel", "Brown",
    "Lopez", "Kim", "Williams", "Rodriguez", "Chen", "Davis", "Gonzalez", "Ali", "Miller", "Perez",
    "Wilson", "Sanchez", "Anderson", "Ramirez", "Thomas", "Torres", "Jackson", "Flores", "White",
    "Rivera", "Harris", "Gomez", "Clark", "Diaz", "Lewis", "Reyes", "Walker", "Cruz", "Young",
    "Morales", "Hall", "Ortiz", "Allen", "Gutierrez", "King", "Chavez", "Wright", "Ruiz", "Scott",
]
ADULT_GIVEN = [
    "Maria", "James", "Ana", "Robert", "Rosa", "Michael", "Carmen", "David", "Linda", "Jose",
    "Patricia", "Juan", "Jennifer", "Luis", "Elizabeth", "Carlos", "Susan", "Miguel", "Karen", "Ahmed",
]
