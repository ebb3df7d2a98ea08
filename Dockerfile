# The switchboard image the emulated exports run (`switchboard export FILE
# --format compose|k8s --emulate`): every container is `switchboard
# serve-node DESIGN --node ID`, the load generator `switchboard loadgen`.
#   docker build -t switchboard .
# The app has no headless build feature: the one binary carries the GUI too,
# whose display and GL libraries are opened at run time only by the app, so
# the command line runs without them.

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p switchboard \
    && cp target/release/switchboard /usr/local/bin/switchboard

FROM debian:bookworm-slim
COPY --from=build /usr/local/bin/switchboard /usr/local/bin/switchboard
# Not root: the Kubernetes export's pods run as a non-root user.
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/switchboard"]
CMD ["--help"]
