"""plotly.js and its stylesheet come from the installed package, through staticfiles."""

from django.contrib.staticfiles import finders

from schoolwell.reports.plotly_assets import (
    PLOTLY_JS,
    global_css,
    maplibre_style_id,
    plotly_version,
)


def test_finder_serves_the_package_bundle_and_generated_css():
    assert finders.find("reports/vendor/plotly.min.js") == str(PLOTLY_JS)
    css_path = finders.find("reports/vendor/plotly.css")
    with open(css_path, encoding="utf-8") as fh:
        assert fh.read() == global_css()


def test_collectstatic_lists_both_files():
    listed = {
        f"{storage.prefix}/{path}"
        for finder in finders.get_finders()
        if type(finder).__name__ == "PlotlyFinder"
        for path, storage in finder.list([])
    }
    assert listed == {"reports/vendor/plotly.min.js", "reports/vendor/plotly.css"}


def test_generated_css_holds_plotlys_rules_in_plotlys_order():
    css = global_css()
    assert (
        ".js-plotly-plot .plotly .main-svg{position:absolute;top:0;left:0;pointer-events:none;}"
        in css
    )
    # plotly.js inserts each rule at the top of its sheet: the first rule of its list is last.
    assert (
        css.rstrip()
        .splitlines()[-1]
        .startswith(".js-plotly-plot .plotly,.js-plotly-plot .plotly div{")
    )


def test_bundle_facts_are_found():
    assert plotly_version().count(".") == 2
    assert len(maplibre_style_id()) == 64
