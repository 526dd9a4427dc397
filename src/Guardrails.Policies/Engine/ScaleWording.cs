namespace Guardrails.Policies.Engine;

/// <summary>How a replica change is named in messages: who asks, at which field, what to lower, and whether it can be refused.</summary>
internal sealed record ScaleWording(string Who, string Path, string Lower, bool WarnOnly);
