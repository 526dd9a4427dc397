namespace Guardrails.LoadTest;

/// <summary>How to start one <c>guardrails serve</c>.</summary>
internal sealed record ServerStart(string Dll, string Policies)
{
    /// <summary>
    /// Null: the product's default log levels (what the image and chart run with). Otherwise the default level set
    /// through the environment, as an operator would (serve refuses options it does not know).
    /// </summary>
    public string? LogLevel { get; init; }

    public IReadOnlyList<string> Arguments { get; init; } = [];
}
