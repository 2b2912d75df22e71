"""Mail for account holders, sent by the task worker so a slow SMTP server never
holds up a request (and never makes one kind of sign-up slower than another)."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(*, to: str, subject: str, text: str, html: str) -> None:
    """Sends one rendered message: plain text, with an HTML alternative if given."""
    message = EmailMultiAlternatives(subject, text, to=[to])
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
