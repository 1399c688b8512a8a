#!/usr/bin/env bash
# Builds the Python wheel (pyproject.toml, maturin `bindings = "bin"`) once, installs
# it into a fresh venv from that file alone, and runs the installed `daybook` on the
# example notes: what `pip install daybook-rs` gives a user, checked before a release.
# Needs maturin on PATH (.ci/run installs a pinned one). Safe to re-run: cargo's
# build is incremental and everything else lives in a temporary folder removed on exit,
# but for the wheel itself when DAYBOOK_WHEEL_DIR names a folder to keep it in: the
# test suite installs it from there (the pre-commit hook repository's test in
# tests/it/install.rs), so the release build happens once.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "::error::wheel: $*" >&2
  exit 1
}

command -v maturin >/dev/null || fail "maturin is not on PATH (python3 -m pip install maturin)"

work=$(mktemp -d "${TMPDIR:-/tmp}/daybook-wheel.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
[ -n "$version" ] || fail "no version in Cargo.toml"
# The Python distribution's name ([project] name), not the command's: `daybook`
# on PyPI is another project.
project=$(sed -n 's/^name = "\(.*\)"/\1/p' pyproject.toml | head -n 1)
[ -n "$project" ] || fail "no [project] name in pyproject.toml"

dist=${DAYBOOK_WHEEL_DIR:-$work/dist}
mkdir -p "$dist"
# Only this build's wheel in it: the tests take the one wheel they find.
rm -f -- "$dist"/*.whl

echo "::group::maturin build --release ($project $version)"
# The one release build (the release profile: thin LTO, stripped). --locked repeats
# pyproject.toml's `locked = true` so the command reads as what it does.
maturin build --release --locked --out "$dist"
echo "::endgroup::"

shopt -s nullglob
wheels=("$dist"/*.whl)
shopt -u nullglob
[ "${#wheels[@]}" -eq 1 ] || fail "expected one wheel in $dist, found ${#wheels[@]}"
wheel=${wheels[0]}
case "$(basename "$wheel")" in
  "${project//-/_}-${version}-py3-none-"*.whl) ;;
  *) fail "$(basename "$wheel") is not a py3-none wheel of $project $version" ;;
esac
echo "wheel: $(basename "$wheel") ($(($(wc -c <"$wheel") / 1024)) KiB)"

echo "::group::install into a fresh venv (no index)"
python3 -m venv "$work/venv"
bin="$work/venv/bin"
"$bin/python" -m pip install --quiet --disable-pip-version-check --no-index "$wheel"
echo "::endgroup::"

# The installed binary, not one from PATH or target/.
daybook="$bin/daybook"
[ -x "$daybook" ] || fail "the wheel installed no daybook into $bin"

got=$("$daybook" --version) || fail "daybook --version failed"
[ "$got" = "daybook $version" ] || fail "daybook --version printed '$got', expected 'daybook $version'"
pip_version=$("$bin/python" -m pip show "$project" | sed -n 's/^Version: //p')
[ "$pip_version" = "$version" ] || fail "pip sees $project '$pip_version', Cargo.toml says $version"
echo "$got (pip: $project $pip_version)"

# The README's first command, run by the installed binary. GITHUB_ACTIONS would add
# annotations for the example's two expected warnings to whatever CI run calls this.
echo "::group::daybook lint --offline examples/notes-repo && daybook readme --check examples/notes-repo"
status=0
env -u GITHUB_ACTIONS "$daybook" lint --offline examples/notes-repo || status=$?
[ "$status" -eq 0 ] || fail "daybook lint --offline examples/notes-repo exited $status, expected 0"
status=0
env -u GITHUB_ACTIONS "$daybook" readme --check examples/notes-repo || status=$?
[ "$status" -eq 0 ] || fail "daybook readme --check examples/notes-repo exited $status, expected 0"
echo "::endgroup::"

echo "wheel OK: $(basename "$wheel") installs and runs"
