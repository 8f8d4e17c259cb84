"""Request and response shapes for the hotline (API v1): the public report and thread, and
the operator's console."""

from __future__ import annotations

from rest_framework import serializers

from patroon.hotline import workflow
from patroon.hotline.models import Conversation


class ReportInputSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="What is happening, in the reporter's own words.")
    reporter_kind = serializers.ChoiceField(choices=Conversation.ReporterKind.values)
    urgency = serializers.ChoiceField(choices=Conversation.Urgency.values)
    about = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="As much or as little about the people as the reporter wants to tell.",
    )
    passphrase = serializers.CharField(
        required=False, allow_blank=True, help_text="At least 10 characters; empty: one is made."
    )
    website = serializers.CharField(
        required=False, allow_blank=True, help_text="Leave empty (a trap for robots)."
    )
    pow_challenge = serializers.CharField(required=False, allow_blank=True)
    pow_answer = serializers.CharField(required=False, allow_blank=True)


class ReportReceiptSerializer(serializers.Serializer):
    reference_code = serializers.CharField()
    passphrase = serializers.CharField(help_text="Only when generated; shown this once.")
    call_112 = serializers.BooleanField(help_text="Words of acute danger were found.")
    token = serializers.CharField(help_text="Opens the thread for two hours.")
    answer_expected_hours = serializers.IntegerField()


class ThreadInputSerializer(serializers.Serializer):
    reference_code = serializers.CharField(required=False, allow_blank=True)
    passphrase = serializers.CharField(required=False, allow_blank=True)
    token = serializers.CharField(required=False, allow_blank=True)
    after_seq = serializers.IntegerField(required=False, min_value=0, default=0)


class MessageSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    author = serializers.ChoiceField(choices=["reporter", "operator"])
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class OperatorMessageSerializer(MessageSerializer):
    operator = serializers.CharField()


class ThreadSerializer(serializers.Serializer):
    reference_code = serializers.CharField()
    token = serializers.CharField()
    state = serializers.CharField()
    messages = MessageSerializer(many=True)


class ThreadMessageInputSerializer(serializers.Serializer):
    token = serializers.CharField()
    text = serializers.CharField()
    client_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="Made by the client; a resend with the same id is stored once.",
    )


class MessageReceiptSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    duplicate = serializers.BooleanField()


class ConversationSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference_code = serializers.CharField()
    state = serializers.CharField()
    priority = serializers.IntegerField()
    danger = serializers.BooleanField()
    danger_phrases = serializers.CharField()
    reporter_kind = serializers.CharField()
    urgency = serializers.CharField()
    channel = serializers.CharField()
    waiting_since = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    claimed_by = serializers.CharField()
    signal_id = serializers.UUIDField(allow_null=True)


class QueueSerializer(serializers.Serializer):
    results = ConversationSummarySerializer(many=True)


class HandoverSerializer(serializers.Serializer):
    from_operator = serializers.CharField()
    to_operator = serializers.CharField()
    note = serializers.CharField()
    at = serializers.DateTimeField()


class ConversationDetailSerializer(ConversationSummarySerializer):
    about = serializers.CharField()
    behaviours = serializers.ListField(child=serializers.CharField())
    relationship = serializers.CharField()
    consent = serializers.CharField()
    forwarded_region = serializers.CharField()
    outcome = serializers.CharField()
    messages = OperatorMessageSerializer(many=True)
    handovers = HandoverSerializer(many=True)


class ReplyInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    client_id = serializers.CharField(required=False, allow_blank=True, max_length=64)


class HandoverInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)
    to = serializers.CharField(required=False, allow_blank=True, max_length=150)


class CodingInputSerializer(serializers.Serializer):
    behaviours = serializers.ListField(child=serializers.CharField(), min_length=1)
    relationship = serializers.CharField()


class ConsentInputSerializer(serializers.Serializer):
    given = serializers.BooleanField()


class HotlineSignalInputSerializer(serializers.Serializer):
    persons = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        help_text="Persons as in the signal API: a vocabulary role and only what the reporter "
        "told (one victim at least).",
    )
    occurred_start = serializers.DateField(required=False, allow_null=True)
    narrative = serializers.CharField(required=False, allow_blank=True)


class HotlineSignalReceiptSerializer(serializers.Serializer):
    signal_id = serializers.UUIDField()


class ForwardInputSerializer(serializers.Serializer):
    region = serializers.CharField()


class CloseInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=workflow.OUTCOMES)
