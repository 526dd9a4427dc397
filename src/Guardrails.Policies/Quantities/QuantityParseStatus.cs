namespace Guardrails.Policies.Quantities;

// A status instead of a message keeps the span-based TryParse allocation-free; the text is built only on demand.
internal enum QuantityParseStatus
{
    Success,
    Empty,
    WhiteSpace,
    MissingNumber,
    MalformedNumber,
    UnknownSuffix,
    InvalidExponent,
    TooLarge,
    TooPrecise,
}
