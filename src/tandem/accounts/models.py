from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, role=User.Role.ADMINISTRATOR)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in. Members of the public need no account.

    The role says what a person may do across the partnership; what they may
    see of a particular group also follows from their memberships.
    """

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", "Partnership administrator"
        OFFICER = "officer", "Agency officer"
        MEMBER = "member", "Group member"

    email = models.EmailField("email address", unique=True)
    name = models.CharField("full name", max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "Django admin access",
        default=False,
        help_text="Can sign in to the Django admin site.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "email"]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    @property
    def is_administrator(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == self.Role.ADMINISTRATOR)

    @property
    def is_officer(self) -> bool:
        """Officers and administrators: the people who run the partnership's work."""
        return self.is_active and (self.is_administrator or self.role == self.Role.OFFICER)
