"""Case photos for the people who may see the case: never public, a 404 for everyone else."""
from flask import send_file
from flask_login import current_user

from callin.services import photos

from . import bp


@bp.app_template_global("case_photos")
def case_photos(case):
    """The photos of a case, for templates/cases/_photos.html."""
    return photos.photos_of(case)


@bp.get("/photos/<id:photo_id>")
def photo(photo_id):
    """One stored photo, shown inline, if the user may see its case."""
    attachment, path = photos.photo_for(photo_id, current_user)
    response = send_file(path, mimetype=attachment.content_type, max_age=0,
                         download_name=attachment.filename, conditional=True)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
