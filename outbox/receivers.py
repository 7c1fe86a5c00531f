"""What the outbox does when another app tells it something (signals)."""

from django.dispatch import receiver

from customers.signals import contact_erased

from .services import outbox_forget_recipient


@receiver(contact_erased, dispatch_uid="outbox_contact_erased")
def forget_erased_contact(sender, *, contact, email="", name="", **kwargs):
    """An erased contact's waiting mail is withdrawn and no row keeps their address."""
    outbox_forget_recipient(email=email, name=name)
