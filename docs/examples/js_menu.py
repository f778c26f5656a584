from reactpy import component, html, use_state

from ember.live import JS, use_session


@component
def Menu():
    opened, set_opened = use_state(0)
    session = use_session()

    def count_open(event):
        set_opened(opened + 1)

    def highlight(event):
        session.push_event("highlight", {"index": 2})  # to the chart's handleEvent

    def chart_clicked(event):  # the chart's this.pushEvent("bar", {index: 1})
        print(event["event"], event["value"]["index"])

    return html.div(
        html.button(
            {"id": "menu-button", "onClick": JS.toggle("#menu").push(count_open)},
            "Menu",
        ),
        html.ul(
            {"id": "menu", "style": {"display": "none"}},
            html.li(html.a({"href": "/settings"}, "Settings")),
        ),
        html.p({"id": "opened"}, f"Opened {opened} times"),
        html.button({"id": "highlight", "onClick": highlight}, "Highlight"),
        html.canvas(
            {
                "id": "chart",
                "data-ember-hook": "Chart",
                "data-points": "3,1,4",
                "onHookEvent": chart_clicked,
            }
        ),
    )
