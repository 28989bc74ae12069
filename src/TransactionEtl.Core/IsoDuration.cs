namespace TransactionEtl.Core;

/// <summary>
/// The value of a <c>duration</c> field, in PostgreSQL <c>interval</c>'s three parts, which are kept apart because
/// a month has no fixed number of days and a day no fixed number of hours (daylight saving): <c>P1M</c> is not
/// <c>P30D</c>, and PostgreSQL stores them differently too.
/// </summary>
/// <param name="Months">Years times 12 plus months.</param>
/// <param name="Days">Days (weeks times 7).</param>
/// <param name="Microseconds">Hours, minutes and seconds, in microseconds.</param>
public readonly record struct IsoDuration(int Months, int Days, long Microseconds);
