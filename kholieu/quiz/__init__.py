"""The question bank and, later, quizzes: questions, their formats, assembly and grading."""
