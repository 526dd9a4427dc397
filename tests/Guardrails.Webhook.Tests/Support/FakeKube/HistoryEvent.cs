namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>One change in the watch history; <see cref="Previous"/> lets a selector watch see objects enter and leave it.</summary>
internal sealed record HistoryEvent(long ResourceVersion, string Type, StoredObject Object, StoredObject? Previous);
