# givewatch container image: a Debian 12 build stage and a debian:12-slim runtime stage.
# Operating it (configuration, volumes, health checks, signals): docs/operations.md.
# tests/deploy/ checks this file statically (no Docker engine is needed): the build packages against
# scripts/setup.sh, the runtime packages against `ldd` of a built givewatch, and the image layout.
#
#   docker build -t givewatch .
#   docker run -d --name givewatch --env-file givewatch.env \
#     -v /etc/givewatch/givewatch.toml:/etc/givewatch/givewatch.toml:ro \
#     -v givewatch-data:/data -p 127.0.0.1:8080:8080 givewatch
#
# Inside a container the configuration must say
#   [server]  listen = "0.0.0.0:8080"   (the default 127.0.0.1 is unreachable from outside the container)
#   [storage] path = "/data"            (the volume, as is the default "./data" from WORKDIR /; any
#                                        other path is lost with the container)

# --- build ----------------------------------------------------------------------------------------
FROM debian:12 AS build

# Exactly the build packages of scripts/setup.sh, less those only its tests, benchmarks and
# developer tools need (tests/deploy/dockerfile_packages.sh names them and says why).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
      librocksdb-dev libspdlog-dev libtomlplusplus-dev libssl-dev libsecp256k1-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# The components the givewatch target is built from: the add_subdirectory() list of CMakeLists.txt
# less tests/ and bench/ (switched off below). A new component folder must be added here too.
COPY CMakeLists.txt ./
COPY core core
COPY attest attest
COPY config config
COPY storage storage
COPY chains chains
COPY proof proof
COPY api api
COPY alerts alerts
COPY audit audit
COPY daemon daemon

RUN cmake -S /src -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DGIVEWATCH_TESTS=OFF -DGIVEWATCH_BENCHMARKS=OFF \
 && cmake --build /build --target givewatch \
 && cmake --install /build --prefix /usr/local --strip \
 && /usr/local/bin/givewatch --version

# --- runtime --------------------------------------------------------------------------------------
FROM debian:12-slim

ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="givewatch" \
      org.opencontainers.image.description="Indexes stablecoin donations to campaign addresses on EVM chains and serves them over a REST API and dashboard" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/debian:12-slim"

# The shared libraries `ldd givewatch` resolves, by Debian package (libc6, libgcc-s1 and libstdc++6
# are in debian:12-slim already; tests/deploy/runtime_libraries.sh keeps this list in step), plus:
#   ca-certificates  the system CA store, for https RPC providers
#   tini             PID 1: forwards SIGTERM to givewatch and reaps; see docs/operations.md
#   busybox          its wget is the HEALTHCHECK's HTTP client (818 kB, needs only libc6; curl
#                    would bring libcurl4 and a dozen libraries with it)
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      libssl3 libboost-json1.81.0 libboost-url1.81.0 libspdlog1.10 libfmt9 libtomlplusplus3 libsecp256k1-1 \
      libsnappy1v5 zlib1g libbz2-1.0 liblz4-1 libzstd1 \
      ca-certificates tini busybox \
 && rm -rf /var/lib/apt/lists/*

COPY --from=build /usr/local/bin/givewatch /usr/local/bin/givewatch
# Fails the build if a shared library is missing: the loader resolves every one before main().
RUN ["/usr/local/bin/givewatch", "--version"]

# A fixed non-root uid, so that a bind-mounted data directory can be chowned to it (10001:10001).
RUN groupadd --system --gid 10001 givewatch \
 && useradd --system --uid 10001 --gid givewatch --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin givewatch \
 && mkdir -p /data /etc/givewatch \
 && chown givewatch:givewatch /data \
 && chmod 0750 /data

# The RocksDB data directory. A new named volume takes this directory's owner (givewatch).
VOLUME ["/data"]
# With the working directory at /, the default [storage] path "./data" is /data too.
WORKDIR /

USER givewatch:givewatch
EXPOSE 8080

# /healthz answers 200 as soon as the API listens; /readyz is 503 during the first backfill (hours),
# so it is not a liveness check. No -T: Debian 12's busybox wget is built without timeout support
# and crashes on it; Docker's --timeout ends a hung check instead. The port is that of [server] listen.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]

# tini as PID 1 forwards SIGTERM (docker stop) to givewatch, which finishes the step in flight,
# closes the database and exits 0. The configuration is mounted read-only at this path.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["givewatch", "run", "--config", "/etc/givewatch/givewatch.toml"]
