using System.Diagnostics.CodeAnalysis;
using Guardrails.Policies.Packs;

namespace Guardrails.Webhook.Provisioning;

/// <summary>Valid platform settings, or every reason they were refused (file, line, message), as for packs.</summary>
public sealed record PlatformSettingsLoadResult(PlatformSettings? Settings, IReadOnlyList<PackError> Errors)
{
    [MemberNotNullWhen(true, nameof(Settings))]
    public bool Succeeded => Settings is not null;

    /// <summary>No settings document at all: provisioning is simply off, which is not an error for admission.</summary>
    public bool Absent { get; init; }
}
