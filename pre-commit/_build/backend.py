"""PEP 517 backend for a package of metadata alone: the wheel pip builds for
pre-commit holds only a .dist-info whose Requires-Dist names the daybook-rs
wheel. Standard library only, Python 3.8 on (no tomllib): it reads the three
`[project]` keys of ../pyproject.toml, each a one-line string or list."""

import base64
import hashlib
import os
import re
import zipfile

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _project():
    with open(os.path.join(_ROOT, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    project = text.split("[project]", 1)[1].split("\n[", 1)[0]

    def value(key):
        m = re.search(r"^" + key + r"\s*=\s*(.+)$", project, re.M)
        if m is None:
            raise ValueError("pyproject.toml: [project] has no one-line `%s`" % key)
        return m.group(1).strip()

    name = value("name").strip('"')
    version = value("version").strip('"')
    deps = re.findall(r'"([^"]+)"', value("dependencies"))
    python = value("requires-python").strip('"')
    return name, version, deps, python


def _dist_info():
    name, version, deps, python = _project()
    stem = "%s-%s" % (re.sub(r"[-_.]+", "_", name), version)
    metadata = "Metadata-Version: 2.1\nName: %s\nVersion: %s\nRequires-Python: %s\n" % (
        name,
        version,
        python,
    )
    metadata += "".join("Requires-Dist: %s\n" % d for d in deps)
    wheel = "Wheel-Version: 1.0\nGenerator: daybook-pre-commit\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    return stem, {"METADATA": metadata, "WHEEL": wheel}


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    stem, files = _dist_info()
    info = os.path.join(metadata_directory, stem + ".dist-info")
    os.makedirs(info, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(info, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    return stem + ".dist-info"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    stem, files = _dist_info()
    info = stem + ".dist-info/"
    wheel_name = stem + "-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            data = text.encode("utf-8")
            z.writestr(info + name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append("%s%s,sha256=%s,%d\n" % (info, name, digest, len(data)))
        record.append(info + "RECORD,,\n")
        z.writestr(info + "RECORD", "".join(record))
    return wheel_name
