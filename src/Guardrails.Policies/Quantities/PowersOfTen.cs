namespace Guardrails.Policies.Quantities;

internal static class PowersOfTen
{
    // 10^38 is the largest power of ten that fits in UInt128, which is all the parser ever needs.
    public const int MaxExponent = 38;

    private static readonly UInt128[] Table = Build();

    public static UInt128 Get(int exponent) => Table[exponent];

    private static UInt128[] Build()
    {
        var table = new UInt128[MaxExponent + 1];
        table[0] = UInt128.One;
        for (var i = 1; i < table.Length; i++)
        {
            table[i] = table[i - 1] * 10;
        }

        return table;
    }
}
