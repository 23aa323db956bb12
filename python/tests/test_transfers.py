"""The special transports through `antom mock`: meter.createSession → meter.uploadEvent (unsigned,
X-Session-Id) and billing.product.uploadImage (multipart, signed JSON part)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

import antom_core as ac
from simulator import Mock, antom_mock
from support import CLIENT_ID, key_text


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    with antom_mock(tmp_path_factory.mktemp("mock")) as running:
        yield running


def client(gateway_url: str) -> ac.Client:
    return ac.Client(
        client_id=CLIENT_ID,
        private_key=key_text("TEST-ONLY-merchant.private.pkcs8.b64"),
        antom_public_key=key_text("TEST-ONLY-antom.public.spki.b64"),
        gateway_url=gateway_url,
    )


def test_create_session_then_upload_event_is_unverified(mock: Mock) -> None:
    c = client(mock.url)
    session = c.send("v1/meter/createSession", b'{"meterType":"API_CALL"}')
    assert session.response is not None and session.response.verified
    session_id = json.loads(session.response.body)["sessionId"]
    reply = c.upload_event(session_id, '{"events":[{"eventName":"call","value":"1"}]}')
    assert reply.status == 200
    assert reply.verified is False
    assert reply.outcome is ac.Outcome.UNKNOWN
    assert reply.result_status == "S"  # what the simulator sent, unverified
    assert "body=<" in repr(reply) and session_id not in repr(reply)


def test_upload_event_in_an_unknown_session_is_still_unknown(mock: Mock) -> None:
    reply = client(mock.url).upload_event("no-such-session", '{"events":[]}')
    assert reply.verified is False
    assert reply.outcome is ac.Outcome.UNKNOWN
    assert reply.result_status != "S"


def test_upload_image_multipart_reply_verified(mock: Mock, tmp_path: Path) -> None:
    image = tmp_path / "shoe.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    for file in (image, image.read_bytes()):
        response = client(mock.url).upload_image("P-1", file)
        assert response.verified
        assert response.result_status is ac.ResultStatus.SUCCESS
        assert json.loads(response.body)["productId"] == "P-1"


def test_an_oversized_file_is_refused_before_it_is_read(
    mock: Mock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from antom_core import _transfers

    big = tmp_path / "big.png"
    with open(big, "wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: larger than the upload limit

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(_transfers, "open", never, raising=False)
    with pytest.raises(ac.InvalidInputError) as raised:
        client(mock.url).upload_image("P-1", big)
    assert "larger than" in str(raised.value)
