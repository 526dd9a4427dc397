# Not built on the development machines (no Docker engine there); the Helm chart expects this image.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src
COPY . .
# Published for the image's architecture, so the app and its libraries are precompiled (ReadyToRun): start-up runs
# code instead of JIT-compiling it (docs/benchmarks.md, start-up). The load benchmark measures this same publish.
RUN dotnet publish src/Guardrails.Webhook -c Release -a ${TARGETARCH:-amd64} --self-contained false -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY policies /app/policies
USER 10001
ENTRYPOINT ["dotnet", "/app/guardrails.dll"]
CMD ["serve"]
