"""Server-rendered SVG charts: the shared geometry (`charts.layout`) that the apps' own chart
modules build on. A core package: it knows weeks, numbers and scales, and no feature app."""
