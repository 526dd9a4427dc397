using System.Text.Json;
using Guardrails.Webhook.Hosting;

namespace Guardrails.Webhook.DryRun;

/// <summary>How much of the answer is written so far, against the limit (none for <c>check</c>).</summary>
internal sealed class ResultBudget
{
    private readonly Utf8JsonWriter _writer;
    private readonly long? _limit;

    public ResultBudget(Utf8JsonWriter writer, long? limit)
    {
        _writer = writer;
        _limit = limit;
    }

    public bool Limited => _limit is not null;

    public bool Spent => _limit is { } limit && Written >= limit;

    private long Written => _writer.BytesCommitted + _writer.BytesPending;

    public bool Fits(long bytes) => _limit is not { } limit || Written + bytes < limit;

    public string Value(string text) => _limit is null ? text : TextLimit.Cut(text, ResponseLimits.MaxValueChars);

    public string? ValueOrNull(string? text) => text is null ? null : Value(text);

    public string Message(string text) => _limit is null ? text : TextLimit.Cut(text, ResponseLimits.MaxMessageChars);
}
