"""The demo's members sign up, log in and log out; a member posts under their name, and
logging out turns every tab of that session back into the guest (issue 15)."""

from __future__ import annotations

from sqlalchemy import select

from ember.demo import auth, chirps, db, logins
from ember.live.testing import LiveClient, LivePage

from .test_demo import database, running, running_on  # noqa: F401 - the fixture

PASSWORD = "correct horse battery"


async def sign_up(client: LiveClient, name: str = "Ada", email: str = "ada@example.com") -> None:
    """Fill the sign-up form, then follow the page to the route that sets the cookie."""
    page = await client.live("/sign-up")
    await page.submit("#signup", {"name": name, "email": email, "password": PASSWORD})
    await page.wait_for(lambda p: any(n["to"].startswith("/signed-up") for n in p.navigations))
    await page.close()
    response = await client.get(page.navigations[-1]["to"])
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def log_in(client: LiveClient, email: str, password: str):
    """Post the log-in form as a browser does (its CSRF token from the page's cookie)."""
    await client.get("/log-in")
    form = {"email": email, "password": password, "csrf_token": client.http.cookies["csrf"]}
    return await client.http.post("/log-in", data=form)


async def who(page: LivePage) -> str:
    return page.find("#who").text().removeprefix("You are ")


async def test_demo_sign_up_validates_while_typing_then_logs_the_member_in(tmp_path):
    async with running(tmp_path) as client:
        page = await client.live("/sign-up")
        await page.change("#signup_password", "short")
        await page.wait_for("#signup_password-error")
        assert "should be at least 12 character(s)" in page.find("#signup_password-error").text()
        await page.change("#signup_email", "not-an-email")
        await page.wait_for("#signup_email-error")
        await page.close()
        await sign_up(client)
        timeline = await client.live("/")
        assert await who(timeline) == "Ada"
        assert timeline.has("#log-out")
        assert not timeline.has("#compose_author")  # a member posts under their name
        assert "Welcome aboard" in timeline.html()
        stored = await db.repo.all(select(logins.Password))
        assert stored[0].hashed_password.startswith("$argon2id$")
        tokens = await db.repo.all(select(logins.MemberToken))
        assert [t.context for t in tokens] == ["session"]  # the hand-off was used up
        signed = client.http.cookies[auth.COOKIE]
        assert tokens[0].token_hash not in signed
        assert "Ada" not in signed


async def test_demo_sign_up_refuses_a_taken_email_in_any_case(tmp_path):
    async with running(tmp_path) as client:
        await sign_up(client)
        async with LiveClient(client.app) as other:
            page = await other.live("/sign-up")
            await page.change("#signup_email", "ADA@example.com")
            await page.wait_for(lambda p: "has already been taken" in p.html())


async def test_demo_sign_up_submitted_with_a_short_password_still_says_the_email_is_taken(
    tmp_path,
):
    # Typing showed "has already been taken"; submitting with another error dropped it.
    async with running(tmp_path) as client:
        await sign_up(client)
        async with LiveClient(client.app) as other:
            page = await other.live("/sign-up")
            await page.submit(
                "#signup", {"name": "Eve", "email": "ADA@example.com", "password": "tiny"}
            )
            await page.wait_for("#signup_password-error")
            assert "has already been taken" in page.find("#signup_email-error").text()


async def test_demo_member_posts_under_their_name(tmp_path):
    async with running(tmp_path) as client:
        await sign_up(client, name="Grace", email="grace@example.com")
        page = await client.live("/")
        await page.submit("#compose", {"body": "hello as a member"})
        await page.wait_for(lambda p: "hello as a member" in p.find("#chirps").text())
        assert [c.author for c in await chirps.list_chirps()] == ["Grace"]


async def test_demo_log_in_with_a_wrong_password_says_so_and_sets_no_cookie(tmp_path):
    async with running(tmp_path) as client:
        await sign_up(client)
        async with LiveClient(client.app) as other:
            response = await log_in(other, "ada@example.com", "wrong password!!")
            assert response.status_code == 303
            assert response.headers["location"] == "/log-in"
            assert auth.COOKIE not in other.http.cookies
            page = await other.live("/log-in")
            assert "Invalid email or password." in page.html()
            unknown = await log_in(other, "nobody@example.com", PASSWORD)
            assert unknown.headers["location"] == "/log-in"
            page = await other.live("/log-in")
            assert "Invalid email or password." in page.html()  # the same message


async def test_demo_log_in_refused_keeps_the_email_typed_but_never_the_password(tmp_path):
    async with running(tmp_path) as client:
        await sign_up(client)
        async with LiveClient(client.app) as other:
            await log_in(other, "ada@example.com", "wrong password!!")
            assert "wrong password!!" not in str(other.http.cookies.jar)
            page = await other.live("/log-in")
            assert "Invalid email or password." in page.html()
            assert page.find("#login-email").attr("value") == "ada@example.com"
            assert not page.find("#login-password").attr("value")
            sneaky = 'x@example.com"><script>alert(1)</script>'
            await log_in(other, sneaky, "wrong password!!")
            static = await other.get("/log-in")
            assert (
                'value="x@example.com&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'
                in static.text
            )
            assert "<script>alert(1)" not in static.text
            page = await other.live("/log-in")
            assert page.find("#login-email").attr("value") == sneaky
            response = await log_in(other, "ada@example.com", PASSWORD)
            assert response.headers["location"] == "/"
            assert auth.EMAIL_COOKIE not in other.http.cookies
            page = await other.live("/log-in")
            assert page.has("#signed-in")
        async with LiveClient(client.app) as fresh:  # another browser: nothing carried
            page = await fresh.live("/log-in")
            assert not page.find("#login-email").attr("value")


async def test_demo_log_in_then_log_out_turns_every_tab_back_into_the_guest(tmp_path):
    async with running(tmp_path) as client:
        await sign_up(client)
        async with LiveClient(client.app) as browser:
            guest = await who(await browser.live("/"))
            assert guest.startswith("guest-")
            response = await log_in(browser, "ADA@example.com", PASSWORD)
            assert response.headers["location"] == "/"
            first = await browser.live("/")
            second = await browser.live("/users")
            assert await who(first) == "Ada"
            assert second.find("#who").text() == "You are Ada"
            response = await browser.http.post(
                "/log-out", data={"csrf_token": browser.http.cookies["csrf"]}
            )
            assert response.status_code == 303
            # Both tabs are sent through the check again: they load as the guest.
            for page in (first, second):
                await page.wait_for(lambda p: any(n["kind"] == "redirect" for n in p.navigations))
            again = await browser.live("/")
            assert await who(again) == guest
            assert again.has("#log-in-link")


async def test_demo_log_out_without_the_csrf_token_is_refused(tmp_path):
    async with running(tmp_path) as client:
        await sign_up(client)
        response = await client.http.post("/log-out", data={})
        assert response.status_code == 403
        assert await who(await client.live("/")) == "Ada"


async def test_demo_log_in_is_rate_limited_per_address(tmp_path):
    async with running(tmp_path) as client:
        await sign_up(client)
        for _ in range(logins.LOGIN_LIMITS["account"]):
            await log_in(client, "ada@example.com", "wrong password!!")
        with_the_right_one = await log_in(client, "ada@example.com", PASSWORD)
        assert with_the_right_one.headers["location"] == "/log-in"
        page = await client.live("/log-in")
        assert "Too many failed attempts. Try again in 15 minute(s)." in page.html()


async def test_demo_sign_up_link_works_only_in_the_browser_that_signed_up(tmp_path):
    async with running(tmp_path) as client:
        page = await client.live("/sign-up")
        await page.submit(
            "#signup", {"name": "Ada", "email": "ada@example.com", "password": PASSWORD}
        )
        await page.wait_for(lambda p: any(n["to"].startswith("/signed-up") for n in p.navigations))
        link = page.navigations[-1]["to"]
        async with LiveClient(client.app) as attacker_victim:
            await attacker_victim.get("/")
            response = await attacker_victim.get(link)
            assert response.headers["location"] == "/log-in"
            assert auth.COOKIE not in attacker_victim.http.cookies
        response = await client.get(link)  # a hand-off seen by another browser is burnt
        assert response.headers["location"] == "/log-in"
        assert auth.COOKIE not in client.http.cookies


async def test_demo_sign_up_log_out_and_log_in_on_sqlite_and_postgres(database):  # noqa: F811
    async with running_on(database) as client:
        await sign_up(client, name="Lin", email="Lin@Example.com")
        assert await who(await client.live("/")) == "Lin"
        await client.http.post("/log-out", data={"csrf_token": client.http.cookies["csrf"]})
        assert (await who(await client.live("/"))).startswith("guest-")
        assert (await log_in(client, "lin@example.com", PASSWORD)).headers["location"] == "/"
        assert await who(await client.live("/")) == "Lin"
