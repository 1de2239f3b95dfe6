"""Resources: CRUD, pagination, filters, and who may see or change what."""

from __future__ import annotations

from tests.api.conftest import KeyClient
from webapp.demo import generate_library
from webapp.extensions import db
from webapp.models import User


def test_create_answers_201_with_location_and_the_book(api, make_book) -> None:
    response = api.post("/api/v1/books", json={"title": "The Hobbit", "authors": ["J. R. R. Tolkien"]})
    assert response.status_code == 201
    book = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/books/{book['id']}")
    assert api.get(response.headers["Location"]).get_json() == book
    assert book["authors"] == ["J. R. R. Tolkien"]
    assert book["added_at"].endswith("+00:00")


def test_patch_changes_only_what_it_names_and_delete_is_204(app, api, make_book, user) -> None:
    with app.app_context():
        db.session.get(User, user.id).role = "editor"  # deleting needs an editor (test_book_permissions)
        db.session.commit()
    book = make_book(year=1965, authors=["Frank Herbert"])
    changed = api.patch(f"/api/v1/books/{book['id']}", json={"pages": 412}).get_json()
    assert (changed["pages"], changed["year"], changed["authors"]) == (412, 1965, ["Frank Herbert"])
    response = api.delete(f"/api/v1/books/{book['id']}")
    assert response.status_code == 204
    assert response.data == b""
    assert api.get(f"/api/v1/books/{book['id']}").status_code == 404


def test_list_pages_with_totals_and_link_headers(app, api, user) -> None:
    with app.app_context():
        generate_library(db.session, size=45, owner=db.session.get(User, user.id))
    first = api.get("/api/v1/books?per_page=20")
    body = first.get_json()
    assert (body["total"], body["pages"], body["current_page"], body["per_page"]) == (45, 3, 1, 20)
    assert len(body["items"]) == 20
    assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' not in first.headers["Link"]
    assert "page=2" in first.headers["Link"] and "per_page=20" in first.headers["Link"]
    last = api.get("/api/v1/books?per_page=20&page=3")
    assert len(last.get_json()["items"]) == 5
    assert 'rel="prev"' in last.headers["Link"] and 'rel="next"' not in last.headers["Link"]
    titles = [b["title"] for b in body["items"]]
    assert api.get("/api/v1/books?page=99").get_json()["items"] == []
    assert titles != [b["title"] for b in api.get("/api/v1/books?sort=-title").get_json()["items"]]


def test_book_filters(api, make_book) -> None:
    dune = make_book(title="Dune", year=1965, authors=["Frank Herbert"], format="paperback")
    make_book(title="Good Omens", year=1990, authors=["Neil Gaiman", "Terry Pratchett"])

    def titles(query: str) -> list[str]:
        return [b["title"] for b in api.get(f"/api/v1/books?{query}").get_json()["items"]]

    assert titles("q=omen") == ["Good Omens"]
    assert titles("q=pratchett") == ["Good Omens"]
    assert titles("year_from=1980") == ["Good Omens"]
    assert titles("year_to=1980") == ["Dune"]
    assert titles("format=paperback") == ["Dune"]
    author_id = api.get("/api/v1/authors?q=Herbert").get_json()["items"][0]["id"]
    assert titles(f"author={author_id}") == ["Dune"]
    api.post(f"/api/v1/books/{dune['id']}/reading", json={"status": "reading"})
    assert titles("status=reading") == ["Dune"]
    shelf = api.post("/api/v1/shelves", json={"name": "Desert", "book_ids": [dune["id"]]}).get_json()
    assert titles(f"shelf={shelf['id']}") == ["Dune"]


def test_reading_is_the_callers_own(api, other_api, make_book) -> None:
    book = make_book()
    path = f"/api/v1/books/{book['id']}/reading"
    assert api.get(path).status_code == 404
    created = api.post(path, json={"status": "read", "rating": 4.5})
    assert created.status_code == 201
    assert created.headers["Location"].endswith(path)
    assert (created.get_json()["rating"], created.get_json()["times_read"]) == (4.5, 1)
    assert api.post(path, json={}).status_code == 409
    assert other_api.get(path).status_code == 404  # someone else's reading is not theirs
    assert other_api.get(f"/api/v1/books/{book['id']}/reads").get_json()["total"] == 0
    bad = api.patch(path, json={"finished_on": "2023-12-31"})  # dates belong to reads now
    assert bad.status_code == 422 and "finished_on" in bad.get_json()["errors"]["json"]
    assert api.patch(path, json={"rating": 4.2}).status_code == 422
    assert api.patch(path, json={"progress_percent": 50}).get_json()["progress_percent"] == 50
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404


def test_private_posts_exist_only_for_their_author(api, other_api, make_book) -> None:
    book = make_book()
    private = api.post("/api/v1/posts", json={"title": "Mine", "book_id": book["id"]}).get_json()
    shared = api.post("/api/v1/posts", json={"title": "Ours", "visibility": "shared"}).get_json()
    assert private["visibility"] == "private" and private["author"]["username"] == "reader"
    assert other_api.get(f"/api/v1/posts/{private['id']}").status_code == 404
    assert [p["title"] for p in other_api.get("/api/v1/posts").get_json()["items"]] == ["Ours"]
    assert sorted(p["title"] for p in api.get("/api/v1/posts").get_json()["items"]) == ["Mine", "Ours"]
    assert other_api.get(f"/api/v1/posts/{shared['id']}").status_code == 200
    assert other_api.patch(f"/api/v1/posts/{shared['id']}", json={"title": "x"}).status_code == 403
    assert other_api.delete(f"/api/v1/posts/{private['id']}").status_code == 404
    assert api.patch(f"/api/v1/posts/{shared['id']}", json={"book_id": 999}).status_code == 422
    assert api.delete(f"/api/v1/posts/{shared['id']}").status_code == 204


def test_shelves_are_visible_to_all_and_changed_by_their_owner(api, other_api, make_book) -> None:
    book = make_book()
    shelf = api.post("/api/v1/shelves", json={"name": "Favourites", "book_ids": [book["id"]]})
    assert shelf.status_code == 201
    body = shelf.get_json()
    assert body["book_count"] == 1 and body["owner"]["username"] == "reader"
    assert api.post("/api/v1/shelves", json={"name": "Favourites"}).status_code == 409
    assert other_api.post("/api/v1/shelves", json={"name": "Favourites"}).status_code == 201
    assert other_api.get(f"/api/v1/shelves/{body['id']}").status_code == 200
    assert other_api.patch(f"/api/v1/shelves/{body['id']}", json={"name": "Mine"}).status_code == 403
    assert api.patch(f"/api/v1/shelves/{body['id']}", json={"book_ids": [12345]}).status_code == 422
    assert api.patch(f"/api/v1/shelves/{body['id']}", json={"book_ids": []}).get_json()["book_count"] == 0
    assert api.get("/api/v1/shelves?owner=other").get_json()["total"] == 1
    assert api.delete(f"/api/v1/shelves/{body['id']}").status_code == 204


def test_authors_crud_and_duplicate_name(api) -> None:
    created = api.post("/api/v1/authors", json={"name": "Ursula K.  Le Guin"})
    assert created.status_code == 201
    author = created.get_json()
    assert (author["name"], author["sort_name"]) == ("Ursula K. Le Guin", "le guin ursula k.")
    assert api.post("/api/v1/authors", json={"name": "Ursula K. Le Guin"}).status_code == 409
    renamed = api.patch(f"/api/v1/authors/{author['id']}", json={"name": "Ursula Le Guin"}).get_json()
    assert renamed["sort_name"] == "le guin ursula"
    assert api.delete(f"/api/v1/authors/{author['id']}").status_code == 204


def test_search_finds_books_and_visible_posts(api, other_api, make_book) -> None:
    make_book(title="Dune Messiah", authors=["Frank Herbert"])
    api.post("/api/v1/posts", json={"title": "Dune thoughts"})
    other_api.post("/api/v1/posts", json={"title": "Dune secrets"})  # private to other
    body = api.get("/api/v1/search?q=dune&per_page=1").get_json()
    assert body["total"] == 2 and body["pages"] == 2
    second = api.get("/api/v1/search?q=dune&per_page=1&page=2").get_json()["items"]
    found = {(hit["kind"], hit["title"]) for hit in body["items"] + second}
    assert found == {("book", "Dune Messiah"), ("post", "Dune thoughts")}  # not the other's private post
    assert api.get("/api/v1/search?q=").status_code == 422


def test_the_seed_style_search_answers_the_same_as_v1(api, make_book, app, user) -> None:
    from tests.conftest import sign_in

    make_book(title="Dune Messiah", authors=["Frank Herbert"])
    make_book(title="Children of Dune", authors=["Frank Herbert"])
    v1 = api.get("/api/v1/search?q=dune&page=1&per_page=20").get_json()
    session = app.test_client()
    sign_in(session, user)
    seed = session.get("/api/search?q=dune&page=1").get_json()
    assert seed["items"] == v1["items"]
    assert (seed["total"], seed["pages"], seed["current_page"]) == (
        v1["total"],
        v1["pages"],
        v1["current_page"],
    )


def test_me_says_who_and_what_the_key_may_do(api: KeyClient) -> None:
    me = api.get("/api/v1/me").get_json()
    assert me["username"] == "reader" and me["scopes"] == ["read", "write"]
    assert (me["role"], me["is_admin"], me["reading_visibility"]) == ("member", False, "private")
