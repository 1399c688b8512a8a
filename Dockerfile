# syntax=docker/dockerfile:1
#
# The image behind action.yml (`runs.using: docker`), published for every release
# by .github/workflows/release.yml as ghcr.io/daybook-rs/daybook:<tag>, for
# linux/amd64 and linux/arm64.
#
# Where the binary comes from (BINARY):
# - `source` (the default; `docker build .`, the CI image job): compiled here;
# - `prebuilt` (the release): the static musl binaries the release's wheel jobs
#   built, in image-bin/<TARGETARCH>/daybook. Compiling the arm64 binary under
#   QEMU emulation would take the better part of an hour; this way the image holds
#   exactly the binary of the release archives, and only the runtime stage's
#   `apk add` runs emulated.
ARG BINARY=source

# Build stage: the release binary, linked against musl so the runtime stage can be
# plain Alpine. Only Cargo.toml, Cargo.lock, src/ and image-bin/ are in the context
# (.dockerignore).
FROM rust:1.88-alpine3.22 AS source
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin daybook \
 && cp target/release/daybook /usr/local/bin/daybook

FROM scratch AS prebuilt
ARG TARGETARCH
COPY image-bin/${TARGETARCH}/daybook /usr/local/bin/daybook

# BuildKit builds only the stage named here (and what it needs).
FROM ${BINARY} AS binary

# Runtime stage: the binary, git (commit back in `git` mode) and CA certificates
# (HTTPS link checks and the GitHub API), nothing else.
FROM alpine:3.22
# Alpine package versions are left to the base image's release branch on purpose:
# each release rebuild picks up git and CA security fixes; the published image is
# immutable by digest for anyone who needs byte-for-byte reproducibility.
# The runner mounts the workspace owned by another user than the container's root,
# so git is told to trust it (daybook also passes safe.directory on its command line).
# hadolint ignore=DL3018
RUN apk add --no-cache git ca-certificates \
 && git config --system --add safe.directory /github/workspace
COPY --from=binary /usr/local/bin/daybook /usr/local/bin/daybook
# No USER: GitHub runs docker actions as root, the owner of the workspace files it
# must be able to write (the README) is not known in advance.
ENTRYPOINT ["/usr/local/bin/daybook", "action"]
