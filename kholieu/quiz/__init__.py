"""Question bank, formats, blueprints, assembly and grading (built by the quiz issues)."""
