from reactpy import html

from ember.live import LiveView, consume_uploaded_entries, live_file_input, on_event


class AvatarLive(LiveView):
    async def mount(self, params, session, socket):
        socket.allow_upload("avatar", accept=[".png", ".jpg"], max_file_size=2_000_000)
        socket.assign(sizes=[])

    @on_event("save")
    async def save(self, params, socket):
        upload = socket.assigns["uploads"]["avatar"]
        sizes = await consume_uploaded_entries(upload, lambda path, entry: entry.client_size)
        socket.assign(sizes=sizes)

    def render(self, assigns):
        upload = assigns["uploads"]["avatar"]
        return html.form(
            {"id": "avatar-form", "onSubmit": self.on("save")},
            live_file_input(upload, {"id": "avatar"}),
            html.p({"id": "progress"}, " ".join(f"{e.progress}%" for e in upload.entries)),
            html.button({"type": "submit"}, "Save"),
        )
