"""The JAR and CDRM forms: dates, attendees by role and organisation, summary, decisions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField
from wtforms.validators import Optional

from ecdop.forms import (
    GovDateField,
    GovRadioField,
    GovStringField,
    GovSubmitField,
    GovTextAreaField,
    MaxLength,
    TextRequired,
    date_required,
    select_choices,
)

# Empty attendee rows offered beyond those already recorded (no JavaScript needed to add more).
SPARE_ATTENDEE_ROWS = 4
MIN_ATTENDEE_ROWS = 6


class AttendeeForm(Form):
    role = GovStringField("Role", validators=[Optional(), MaxLength(120)])
    organisation = GovStringField("Organisation", validators=[Optional(), MaxLength(160)])


class ReviewMeetingForm(FlaskForm):
    attendees = FieldList(FormField(AttendeeForm), min_entries=MIN_ATTENDEE_ROWS)
    summary = GovTextAreaField(
        "Summary",
        validators=[TextRequired("Enter a summary"), MaxLength(20_000)],
    )
    decisions = GovTextAreaField(
        "Decisions",
        description="What was agreed, and who will do it.",
        validators=[TextRequired("Enter the decisions"), MaxLength(20_000)],
    )
    version = HiddenField()
    submit = GovSubmitField("Save")

    def attendee_rows(self) -> list[dict]:
        return [
            {"role": row.form.role.data, "organisation": row.form.organisation.data}
            for row in self.attendees
            if row.form.role.data or row.form.organisation.data
        ]

    def offer_spare_rows(self) -> None:
        while len(self.attendees) < max(MIN_ATTENDEE_ROWS, self._filled() + SPARE_ATTENDEE_ROWS):
            self.attendees.append_entry()

    def _filled(self) -> int:
        return len(self.attendee_rows())


class JointAgencyResponseForm(ReviewMeetingForm):
    started_on = GovDateField(
        "Date the Joint Agency Response started",
        validators=[date_required("Enter the date the Joint Agency Response started")],
    )
    joint_home_visit = GovRadioField(
        "Was there a joint home visit?",
        choices=select_choices([("yes", "Yes"), ("no", "No")]),
        validators=[TextRequired("Select whether there was a joint home visit")],
    )
    home_visit_on = GovDateField("Date of the joint home visit", validators=[Optional()])
    information_sharing_meeting_on = GovDateField(
        "Date of the information-sharing meeting (optional)", validators=[Optional()]
    )


class ChildDeathReviewMeetingForm(ReviewMeetingForm):
    held_on = GovDateField(
        "Date of the meeting", validators=[date_required("Enter the date of the meeting")]
    )
