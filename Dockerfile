# blastmap in a container, for scheduled scans (docs/scheduled-scans.md):
#   docker build -t blastmap .
#   docker run --rm -e AWS_REGION=us-east-1 blastmap scan --region us-east-1 \
#     --out s3://BUCKET/blastmap/
# The binary is static (musl, rustls: no OpenSSL, no libc at run time) and runs
# as a non-root user in a distroless image that holds only it and CA certificates.

FROM rust:1-alpine AS build
# build-base: the C compiler aws-lc (rustls' crypto) needs; git: --version names the commit.
RUN apk add --no-cache build-base git perl
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin blastmap \
 && strip target/release/blastmap \
 && ./target/release/blastmap --version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/target/release/blastmap /usr/local/bin/blastmap
USER nonroot
ENTRYPOINT ["/usr/local/bin/blastmap"]
CMD ["--help"]
