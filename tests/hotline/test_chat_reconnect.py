"""Live chat over a real WebSocket connection (Channels' communicator against the ASGI
application): a dropped connection loses nothing and duplicates nothing."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from patroon.asgi import application
from patroon.hotline import consumers, services
from patroon.hotline.models import Message
from tests import factories
from tests.hotline.communicator import Communicator
from tests.hotline.conftest import report

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = [(b"origin", b"http://localhost")]


async def _connect(headers=ORIGIN):
    communicator = Communicator(application, "/ws/hotline/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def _receive_until(communicator, count, timeout=3):
    frames = []
    for _ in range(count):
        frames.append(await communicator.receive_json_from(timeout=timeout))
    return frames


def _operator_replies(conversation_id, operator, text):
    message, created = services.operator_reply(operator, conversation_id, text, f"op-{text}")
    consumers.broadcast(conversation_id, message)
    return message


def _run(coroutine):
    """Run a scenario on an event loop of its own thread: the browser tests' Playwright keeps
    a loop running in the main thread for the whole session."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """The in-memory layer's queues belong to one event loop; each test runs its own."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
    # The consumer's database work ran in asgiref's one sync thread: close its connection
    # there, or the test database cannot be dropped at the end (PostgreSQL).
    _run(sync_to_async(connections.close_all, thread_sensitive=True)())


@pytest.fixture
def setting_up(hotline_org):
    operator = factories.actor(["hotline_operator"], hotline_org)
    submitted = report("Ik wil even praten.")
    services.claim(operator, submitted.conversation.pk)
    return operator, submitted


async def _test_a_dropped_connection_loses_and_duplicates_nothing(setting_up):
    operator, submitted = setting_up
    conversation_id = submitted.conversation.pk

    first = await _connect()
    await first.send_json_to({"type": "hello", "token": submitted.token, "last_seq": 0})
    ready, replay = await _receive_until(first, 2)
    assert ready == {"type": "ready"}
    assert replay["seq"] == 1 and replay["body"] == "Ik wil even praten."

    await first.send_json_to({"type": "message", "client_id": "m1", "body": "Zijn jullie er?"})
    frames = await _receive_until(first, 2)
    assert {"type": "ack", "client_id": "m1", "seq": 2} in frames
    assert any(f["type"] == "message" and f["seq"] == 2 for f in frames)
    await first.disconnect()  # the connection drops

    # While the reporter is away the operator answers.
    await sync_to_async(_operator_replies)(conversation_id, operator, "Ja, ik ben er.")

    second = await _connect()
    await second.send_json_to({"type": "hello", "token": submitted.token, "last_seq": 2})
    # The reporter's page never saw the ack of m1 in time and sends it again, then m2.
    await second.send_json_to({"type": "message", "client_id": "m1", "body": "Zijn jullie er?"})
    await second.send_json_to({"type": "message", "client_id": "m2", "body": "Hij is weg."})
    frames = await _receive_until(second, 5)
    assert frames[0] == {"type": "ready"}
    messages = [f for f in frames if f["type"] == "message"]
    acks = [f for f in frames if f["type"] == "ack"]
    assert [(m["seq"], m["body"]) for m in messages] == [(3, "Ja, ik ben er."), (4, "Hij is weg.")]
    assert acks == [
        {"type": "ack", "client_id": "m1", "seq": 2},
        {"type": "ack", "client_id": "m2", "seq": 4},
    ]
    assert await second.receive_nothing(timeout=0.3)
    await second.disconnect()

    stored = await sync_to_async(list)(
        Message.objects.filter(conversation_id=conversation_id).values_list("seq", "author")
    )
    assert stored == [(1, "reporter"), (2, "reporter"), (3, "operator"), (4, "reporter")]


async def _test_two_connected_parties_see_each_others_messages_once_in_order(setting_up):
    operator, submitted = setting_up
    reporter = await _connect()
    await reporter.send_json_to({"type": "hello", "token": submitted.token, "last_seq": 1})
    assert await reporter.receive_json_from() == {"type": "ready"}
    for n in range(5):
        await sync_to_async(_operator_replies)(submitted.conversation.pk, operator, f"antwoord {n}")
    frames = await _receive_until(reporter, 5)
    assert [f["seq"] for f in frames] == [2, 3, 4, 5, 6]
    assert await reporter.receive_nothing(timeout=0.3)
    await reporter.disconnect()


async def _test_a_bad_token_or_a_stranger_is_refused(setting_up):
    _operator, _submitted = setting_up
    stranger = await _connect()
    await stranger.send_json_to({"type": "hello", "token": "not-a-token", "last_seq": 0})
    assert (await stranger.receive_json_from())["code"] == "bad_credentials"
    await stranger.wait_closed()
    anonymous_operator = await _connect()
    await anonymous_operator.send_json_to(
        {"type": "hello", "conversation": str(_submitted.conversation.pk), "last_seq": 0}
    )
    assert (await anonymous_operator.receive_json_from())["code"] == "forbidden"


async def _test_an_operator_with_a_verified_session_chats_live(setting_up, hotline_org):
    _operator, submitted = setting_up
    user = await sync_to_async(factories.user)(["hotline_operator"], hotline_org)
    client = await sync_to_async(factories.verified_client)(user)
    await sync_to_async(services.hand_over)(
        _operator, submitted.conversation.pk, "Neem jij?", user.username
    )
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    operator_socket = await _connect(ORIGIN + [(b"cookie", cookie)])
    await operator_socket.send_json_to(
        {"type": "hello", "conversation": str(submitted.conversation.pk), "last_seq": 1}
    )
    assert await operator_socket.receive_json_from() == {"type": "ready"}
    reporter = await _connect()
    await reporter.send_json_to({"type": "hello", "token": submitted.token, "last_seq": 1})
    assert await reporter.receive_json_from() == {"type": "ready"}
    await operator_socket.send_json_to({"type": "message", "client_id": "o1", "body": "Hallo"})
    received = await reporter.receive_json_from()
    assert received["body"] == "Hallo" and received["author"] == "operator"
    await asyncio.gather(operator_socket.disconnect(), reporter.disconnect())


def test_a_dropped_connection_loses_and_duplicates_nothing(setting_up):
    _run(_test_a_dropped_connection_loses_and_duplicates_nothing(setting_up))


def test_two_connected_parties_see_each_others_messages_once_in_order(setting_up):
    _run(_test_two_connected_parties_see_each_others_messages_once_in_order(setting_up))


def test_a_bad_token_or_a_stranger_is_refused(setting_up):
    _run(_test_a_bad_token_or_a_stranger_is_refused(setting_up))


def test_an_operator_with_a_verified_session_chats_live(setting_up, hotline_org):
    _run(_test_an_operator_with_a_verified_session_chats_live(setting_up, hotline_org))


async def _test_a_reply_through_the_api_reaches_the_live_reporter(setting_up, hotline_org):
    operator, submitted = setting_up
    conversation_id = submitted.conversation.pk
    reporter = await _connect()
    await reporter.send_json_to({"type": "hello", "token": submitted.token, "last_seq": 1})
    assert await reporter.receive_json_from() == {"type": "ready"}

    def reply_through_the_api():
        services.hand_over(operator, conversation_id, "Naar het systeem van de hulplijn.")
        api = factories.api_client(hotline_org, role="hotline_operator")
        api.post(f"/api/v1/hotline/conversations/{conversation_id}/claim/")
        return api.post(
            f"/api/v1/hotline/conversations/{conversation_id}/messages/",
            {"text": "Via de API", "client_id": "api-1"},
            content_type="application/json",
        ).status_code

    assert await sync_to_async(reply_through_the_api)() == 201
    frame = await reporter.receive_json_from()
    assert (frame["seq"], frame["author"], frame["body"]) == (2, "operator", "Via de API")
    await reporter.disconnect()


def test_a_reply_through_the_api_reaches_the_live_reporter(setting_up, hotline_org):
    _run(_test_a_reply_through_the_api_reaches_the_live_reporter(setting_up, hotline_org))


async def _test_danger_words_in_the_chat_ask_for_112_and_raise_the_priority(setting_up):
    _operator, submitted = setting_up
    reporter = await _connect()
    await reporter.send_json_to({"type": "hello", "token": submitted.token, "last_seq": 1})
    assert await reporter.receive_json_from() == {"type": "ready"}
    await reporter.send_json_to({"type": "message", "client_id": "d1", "body": "Hij wurgt me"})
    frames = await _receive_until(reporter, 3)
    assert {"type": "call_112"} in frames
    await reporter.disconnect()
    conversation = await sync_to_async(
        lambda: type(submitted.conversation).objects.get(pk=submitted.conversation.pk)
    )()
    assert conversation.priority == 0 and conversation.danger


def test_danger_words_in_the_chat_ask_for_112_and_raise_the_priority(setting_up):
    _run(_test_danger_words_in_the_chat_ask_for_112_and_raise_the_priority(setting_up))
