"""A chat window loads GLANCE.Cobrowse.InvokeVisitor from Tandem, like Glance's script."""

from django.conf import settings

URL = "/cobrowse/GlanceCobrowseInvokeVisitor.js"


def test_invoke_visitor_script_is_served_to_any_page(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"
    body = response.content.decode()
    assert "InvokeVisitor" in body and "glance_invoke" in body
    assert body == (settings.BASE_DIR / "static" / "dist" / "invokevisitor.js").read_text()


def test_invoke_visitor_script_answers_only_get(client):
    assert client.post(URL).status_code == 405
