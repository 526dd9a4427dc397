namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>Who a bearer token or client certificate stands for.</summary>
internal sealed record FakeUser(string Name, params IReadOnlyList<string> Groups)
{
    public override string ToString() => Groups.Count == 0 ? Name : $"{Name} [{string.Join(", ", Groups)}]";
}
