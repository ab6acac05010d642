"""The fixed cast of case workers every cases test uses.

Police, council and fire have signed an agreement in force for vulnerable adults; the case
(police lead) involves the police, the council and (without having signed) housing.
"""

import datetime as dt

import pytest
from django.utils import timezone

from tandem.accounts.models import User
from tandem.cases import services
from tandem.cases.audit import Actor
from tandem.cases.models import AgencyStaff, Purpose
from tests.factories import make_organisation, make_user


class CaseCast:
    def __init__(self, cast):
        self.cast = cast
        self.police, self.council = cast.police, make_organisation(name="Castleford Council")
        self.housing = make_organisation(name="Oak Homes")  # involved, never signs
        self.fire = make_organisation(name="Castleford Fire")  # signs, not involved
        self.charity = make_organisation(name="Bright Charity")  # neither
        self.signatory = self._staff("Sam Signatory", self.police)
        self.council_officer = self._staff("Carla Council", self.council)
        self.involved_unsigned = self._staff("Ian Involved", self.housing)
        self.signatory_not_involved = self._staff("Nina Notinvolved", self.fire)
        self.outsider = self._staff("Otis Outside", self.charity)
        self.purpose = Purpose.objects.get(slug="vulnerable-adults")
        actor = Actor(user=cast.administrator)
        today = timezone.localdate()
        self.agreement = services.agreement_create(
            partnership=cast.partnership,
            purposes=[self.purpose],
            organisations=[self.police, self.council, self.fire],
            actor=actor,
            title="Vulnerable adults",
            purpose="Scams",
            data_categories="Names",
            starts_on=today - dt.timedelta(days=10),
            expires_on=today + dt.timedelta(days=300),
            review_on=today + dt.timedelta(days=100),
        )
        for organisation in (self.police, self.council, self.fire):
            services.agreement_sign(
                agreement=self.agreement, organisation=organisation, signer_name="S", actor=actor
            )
        self.case = services.case_open(
            agreement=self.agreement,
            purpose=self.purpose,
            title="Scam target",
            lead_organisation=self.police,
            agencies=[self.council],
            actor=Actor(user=self.signatory),
        )
        # Housing is involved without having signed (added directly: the services refuse it).
        self.case.agencies.create(organisation=self.housing)

    def _staff(self, name, organisation) -> User:
        user = make_user(role=User.Role.OFFICER, name=name)
        AgencyStaff.objects.create(user=user, organisation=organisation, start_date=dt.date(2020, 1, 1))
        return user


@pytest.fixture
def cc(cast):
    return CaseCast(cast)
