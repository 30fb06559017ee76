"""The JAR and CDRM forms: dates, attendees by role and organisation, summary, decisions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField
from wtforms.validators import Optional

from ecdop.foundation.forms import (
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

# One empty attendee row beyond those filled in; "Add another attendee" adds more, without
# JavaScript, as the analysis form's actions do.
SPARE_ATTENDEE_ROWS = 1
MIN_ATTENDEE_ROWS = 1


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

    def validate(self, extra_validators=None) -> bool:
        fields_valid = super().validate(extra_validators)
        return self._every_attendee_has_a_role() and fields_valid

    def _every_attendee_has_a_role(self) -> bool:
        """Each row's problem at its own box: a row with an organisation and no role, or no
        attendee at all (at the first row)."""
        if not self.attendee_rows():
            self._refuse_row(self.attendees[0], "Add at least one attendee, with their role")
            return False
        valid = True
        for number, row in enumerate(self.attendees, start=1):
            if row.form.organisation.data and not row.form.role.data:
                self._refuse_row(row, f"Give the role of attendee {number}")
                valid = False
        return valid

    @staticmethod
    def _refuse_row(row, message: str) -> None:
        row.form.role.errors = [*row.form.role.errors, message]

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
    # Asked only while a needed post-mortem's final report has not come (NCMD's advice).
    reason_before_post_mortem_report = GovTextAreaField(
        "Why the meeting was held before the final post-mortem report",
        validators=[Optional(), MaxLength(2000)],
    )
