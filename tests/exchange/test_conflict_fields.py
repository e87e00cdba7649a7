"""A conflict's two versions are shown in the clerk's words: field names in Vietnamese, dates
dd/mm/yyyy, money in đồng."""

from __future__ import annotations

from unionapp.exchange.parent import field_label, field_value


def test_fields_are_named_in_vietnamese() -> None:
    assert field_label("phone") == "Điện thoại"
    assert field_label("date_of_birth") != "date_of_birth"
    assert field_label("signer_name") == "Người ký"
    assert field_label("some_new_column") == "some_new_column"


def test_values_are_formatted_as_the_interface_shows_them() -> None:
    assert field_value("date_of_birth", "1985-03-02") == "02/03/1985"
    assert field_value("amount", 1500000) == "1.500.000 đ"
    assert field_value("budget_funded", True) == "Có"
    assert field_value("phone", "0933000001") == "0933000001"
    assert field_value("note", None) == ""
    assert field_value("code", "2024-13-99") == "2024-13-99"


def test_moments_are_local_time_to_the_minute() -> None:
    from datetime import UTC, datetime

    moment = datetime(2026, 11, 23, 17, 24, 39, tzinfo=UTC)
    local = moment.astimezone()
    assert field_value("updated_at", moment.isoformat()) == local.strftime("%d/%m/%Y %H:%M")
