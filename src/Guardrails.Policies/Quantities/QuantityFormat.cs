namespace Guardrails.Policies.Quantities;

/// <summary>The suffix family a quantity was written in; it decides how the value is printed back.</summary>
public enum QuantityFormat
{
    /// <summary>Decimal SI suffixes: n, u, m, (none), k, M, G, T, P, E.</summary>
    DecimalSI,

    /// <summary>Binary SI suffixes: Ki, Mi, Gi, Ti, Pi, Ei.</summary>
    BinarySI,

    /// <summary>Scientific notation: e3, E-6, ...</summary>
    DecimalExponent,
}
