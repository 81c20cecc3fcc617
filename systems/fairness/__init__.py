"""Fairness audit of a fraud model: detect a planted age bias, explain it, mitigate it, gate release."""
