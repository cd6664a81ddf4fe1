"""An agent in control types into a field of the visitor's page at full speed (a fast
typist's burst, a key held down, a text expander): every character reaches the visitor's
page, in order. Keystrokes sent back to back lost characters ("hello world 12345" became
"hello orl2345")."""

from playwright.sync_api import expect

from tests.browser.conftest import ask_for_control, replay, wait_for_event


def test_every_character_of_a_fast_burst_reaches_the_visitors_field(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/control.html")
    viewer = open_viewer(visitor.start())
    mirror = replay(viewer)
    expect(mirror.locator("#heading")).to_have_text("Control")
    ask_for_control(viewer, visitor.page)
    wait_for_event(visitor.page, "rc", {"enabled": True})

    mirror.locator("#name").click()
    mirror.locator("#name").press_sequentially("hello world 12345")

    expect(visitor.page.locator("#name")).to_have_value("hello world 12345")
    expect(mirror.locator("#name")).to_have_value("hello world 12345")


def in_control_of_fields(pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/control-fields.html")
    viewer = open_viewer(visitor.start())
    mirror = replay(viewer)
    expect(mirror.locator("#heading")).to_have_text("Fields")
    ask_for_control(viewer, visitor.page)
    expect(viewer.locator(".rc-status")).to_have_text("You have control of the visitor's page.")
    return visitor.page, viewer, mirror


def test_lines_typed_and_pasted_fast_into_a_text_area_all_arrive(
    server, pages_url, open_visitor, open_viewer
):
    page, viewer, mirror = in_control_of_fields(pages_url, open_visitor, open_viewer)

    mirror.locator("#notes").click()
    mirror.locator("#notes").press_sequentially("first line\nsecond")
    viewer.keyboard.insert_text(" and a pasted end")

    expect(page.locator("#notes")).to_have_value("first line\nsecond and a pasted end")
    expect(mirror.locator("#notes")).to_have_value("first line\nsecond and a pasted end")


def test_a_field_the_page_rewrites_shows_the_pages_value_once_the_typing_arrived(
    server, pages_url, open_visitor, open_viewer
):
    page, _, mirror = in_control_of_fields(pages_url, open_visitor, open_viewer)

    mirror.locator("#code").click()
    mirror.locator("#code").press_sequentially("ab-12cd")

    expect(page.locator("#code")).to_have_value("AB-12CD")
    expect(mirror.locator("#code")).to_have_value("AB-12CD")


def test_the_visitors_own_choice_shows_in_a_list_the_agent_just_chose_from(
    server, pages_url, open_visitor, open_viewer
):
    page, _, mirror = in_control_of_fields(pages_url, open_visitor, open_viewer)

    mirror.locator("#size").select_option("M")
    expect(page.locator("#size")).to_have_value("M")
    page.locator("#size").select_option("L")

    expect(mirror.locator("#size")).to_have_value("L")
