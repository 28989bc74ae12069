namespace TransactionEtl.Core;

/// <summary>
/// The value of a Table Schema <c>geopoint</c> field: a longitude in [-180, 180] and a latitude in [-90, 90] degrees,
/// exactly as written (the loader stores it as a PostgreSQL <c>point</c> of two doubles, x the longitude).
/// </summary>
/// <param name="Longitude">Degrees east.</param>
/// <param name="Latitude">Degrees north.</param>
public readonly record struct GeoPoint(decimal Longitude, decimal Latitude);
