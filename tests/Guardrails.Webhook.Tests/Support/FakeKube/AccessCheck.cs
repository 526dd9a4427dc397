namespace Guardrails.Webhook.Tests.Support.FakeKube;

/// <summary>
/// One SubjectAccessReview question. <see cref="User"/> may be <c>group:NAME</c> to answer for everyone in a group, and
/// <see cref="Namespace"/> may be <c>*</c> for every namespace ("" is cluster scope).
/// </summary>
internal sealed record AccessCheck(string User, string Verb, string Group, string Resource, string Namespace);
