# Not built on the development machines (no Docker engine there); the Helm chart expects this image.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Guardrails.Webhook -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY policies /app/policies
USER 10001
ENTRYPOINT ["dotnet", "/app/guardrails.dll"]
CMD ["serve"]
