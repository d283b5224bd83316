# A small image of flowroute-numbers: the static binary, CA certificates to reach
# api.flowroute.com, and nothing else, run as a non-root user.
#
#   docker build -t flowroute-numbers --build-arg VERSION=v1.2.3 --build-arg REVISION=$(git rev-parse HEAD) .
#   docker run --rm -v "$PWD:/work" -w /work -e FLOWROUTE_ACCESS_KEY -e FLOWROUTE_SECRET_KEY \
#     flowroute-numbers plan numbers/
#
# The image has no shell: the binary is the entry point, and arguments are its command line.
# It runs as uid 65532, so a mounted directory must let that user write where the tool writes
# (plan --out, the sandbox's state file).

ARG GO_VERSION=1.26

# The builder: the same static build as `make release` (CGO_ENABLED=0, -trimpath, stripped,
# the version stamped in).
FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG REVISION=
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X github.com/flowroute-numbers/flowroute-numbers/internal/cli.version=${VERSION} -X github.com/flowroute-numbers/flowroute-numbers/internal/cli.revision=${REVISION}" \
      -o /out/flowroute-numbers .

# The image: nothing but what the binary needs.
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/flowroute-numbers /flowroute-numbers
USER 65532:65532
ENTRYPOINT ["/flowroute-numbers"]
