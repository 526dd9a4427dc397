using FluentValidation;
using Guardrails.Policies.Authoring;
using Guardrails.Policies.Packs;

namespace Guardrails.Policies.Rules.ResourceRequirements;

public sealed class ResourceRequirementsDefinition : RuleDefinition<ResourceRequirementsParameters>
{
    public const string RuleId = "resource-requirements";

    public override string Id => RuleId;

    public override string Summary => "Containers and init containers must declare the resource requests and limits the pack requires.";

    protected override IValidator<ResourceRequirementsParameters> Validator { get; } = new ResourceRequirementsParametersValidator();

    protected override ResourceRequirementsParameters Read(ParameterReader reader)
    {
        var ratios = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (resource, text) in reader.StringMap("maxLimitRequestRatio") ?? new Dictionary<string, string>())
        {
            if (decimal.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ratio))
            {
                ratios[resource] = ratio;
            }
            else
            {
                reader.Error("maxLimitRequestRatio", $"{resource}: '{text}' is not a number");
            }
        }

        return new ResourceRequirementsParameters
        {
            Required = reader.StringList("required") ?? ResourceRequirementsParameters.DefaultRequired,
            Maximum = reader.QuantityMap("maximum") ?? new Dictionary<string, Quantities.Quantity>(),
            MaxLimitRequestRatio = ratios,
            Defaults = reader.QuantityMap("defaults") ?? new Dictionary<string, Quantities.Quantity>(),
        };
    }

    protected override Rule Create(ResourceRequirementsParameters parameters) => new ResourceRequirementsRule(parameters);
}
