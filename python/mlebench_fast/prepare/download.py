"""Downloading a competition's zip with the Kaggle API (the `kaggle` package).

Credentials come from `~/.kaggle/kaggle.json` or the `KAGGLE_USERNAME`/`KAGGLE_KEY`
environment variables, as the `kaggle` package reads them. API errors are retried (3
attempts, 5 s apart); a competition whose rules the account has not accepted stops with
the URL where they can be accepted.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

ATTEMPTS = 3
WAIT_SECONDS = 5.0


class DownloadError(Exception):
    pass


def rules_url(competition_id: str) -> str:
    return f"https://www.kaggle.com/c/{competition_id}/rules"


def needs_rules_acceptance(error: Exception) -> bool:
    """Kaggle refuses downloads of competitions whose rules the account has not accepted:
    older clients say so in the message, newer ones answer HTTP 403."""
    text = str(error).lower()
    if "must accept" in text and "competition" in text:
        return True
    status = getattr(error, "status", None) or getattr(getattr(error, "response", None), "status_code", None)
    return status == 403


def _api():
    try:
        from kaggle.api.kaggle_api_extended import KaggleApi
    except ImportError:
        raise DownloadError(
            "downloading needs the `kaggle` package (pip install 'mlebench-fast[download]'), or pass --from-zip "
            "with a zip you already have"
        ) from None
    api = KaggleApi()
    try:
        api.authenticate()
    except Exception as e:  # the kaggle package raises plain IOError/OSError/ValueError here
        raise DownloadError(
            f"Kaggle authentication failed ({e}); put your API token in ~/.kaggle/kaggle.json "
            "or set KAGGLE_USERNAME and KAGGLE_KEY"
        ) from None
    return api


def _is_api_error(e: Exception) -> bool:
    # kaggle < 1.7 raises kaggle.rest.ApiException, newer ones requests' HTTPError
    return type(e).__name__ in {"ApiException", "HTTPError", "ConnectionError", "Timeout"}


def download_competition_zip(competition_id: str, dest: Path, *, quiet: bool = False, sleep=time.sleep, api=None) -> Path:
    """Download `<competition_id>.zip` to `dest` (a file path) and return it."""
    dest = Path(dest)
    tmp = dest.parent / f".download-{competition_id}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        api = api or _api()
        for attempt in range(1, ATTEMPTS + 1):
            try:
                api.competition_download_files(competition_id, path=str(tmp), quiet=quiet, force=True)
                break
            except Exception as e:
                if needs_rules_acceptance(e):
                    raise DownloadError(
                        f"you must accept the rules of `{competition_id}` before downloading: open "
                        f"{rules_url(competition_id)}, accept them, then run prepare again"
                    ) from None
                if not _is_api_error(e) or attempt == ATTEMPTS:
                    raise DownloadError(f"downloading `{competition_id}` failed: {e}") from None
                sleep(WAIT_SECONDS)
        zips = sorted(tmp.glob("*.zip"))
        if len(zips) != 1:
            raise DownloadError(f"expected the download to give one zip file, found {len(zips)}")
        zips[0].replace(dest)
        return dest
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
