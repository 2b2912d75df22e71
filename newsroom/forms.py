"""The admin's image upload form, stricter than Wagtail's about broken files."""

from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm


class CheckedImageField(WagtailImageField):
    """Wagtail's image field, which also decodes the whole file once.

    A file whose header is fine but whose data is cut short would pass Wagtail's
    checks, then fail with an error page every time a reader's page tried to
    resize it. Decoding it here turns that into a message for the editor.
    """

    def check_image_pixel_size(self, f):
        try:
            super().check_image_pixel_size(f)
            f.seek(0)
            with PILImage.open(f) as image:
                image.load()
        except (OSError, SyntaxError, ValueError) as exc:
            raise ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from exc
        finally:
            f.seek(0)


class ImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form, not declared on the class, so that the size limits are
        # read from the settings in force now.
        given = self.fields["file"]
        self.fields["file"] = CheckedImageField(
            label=given.label, required=given.required, widget=given.widget
        )
