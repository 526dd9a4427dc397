using FluentValidation;

namespace Guardrails.Policies.Rules.QuotaFits;

internal sealed class QuotaFitsParametersValidator : AbstractValidator<QuotaFitsParameters>;
