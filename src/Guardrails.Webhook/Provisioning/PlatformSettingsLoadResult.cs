using System.Diagnostics.CodeAnalysis;
using Guardrails.Policies.Packs;

namespace Guardrails.Webhook.Provisioning;

/// <summary>Valid platform settings, or every reason they were refused (file, line, message), as for packs.</summary>
public sealed record PlatformSettingsLoadResult(PlatformSettings? Settings, IReadOnlyList<PackError> Errors)
{
    [MemberNotNullWhen(true, nameof(Settings))]
    public bool Succeeded => Settings is not null;
}
