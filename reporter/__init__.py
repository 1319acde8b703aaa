"""reporter: the monthly register report for Japanese e-commerce teams."""

__version__ = "0.1.0"
