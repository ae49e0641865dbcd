"""Check: answer a learner's arrays in plain words, right or wrong.

Each check returns a `Check`, which shows as one line starting with a tick or a cross.
A check never raises: given the wrong kind of argument (None, text, a list of layers, a
layer that is not built) it returns a ❌ that says what it expected instead.

Notebooks import every check from here (`from helpers.checks import check_model`). The
code lives by lesson, so that each file is short enough to read:

- `core.py`: `Check`, and the checks every lesson uses (scaling, shapes, labels, a model,
  its parameters and accuracy, and `check_answer`, which names the likely mistake);
- `lessons_01_03.py`, `lesson_04.py`, `lessons_05_06.py`, `lessons_07_08.py`: the exercise
  checks of those notebooks.
"""

from helpers.checks.core import (Check, check_accuracy, check_answer, check_labels,
                                 check_model, check_param_count, check_scaled, check_shape)
from helpers.checks.lesson_04 import check_gradient_step, check_momentum_step
from helpers.checks.lessons_01_03 import (check_average_digit, check_convolution,
                                          check_diagonal_kernel, check_first_index,
                                          check_preparation)
from helpers.checks.lessons_05_06 import (EARLY_STOPPING_CASES, check_confusion_counts,
                                          check_early_stopping, check_feature_rows,
                                          check_unsure_mistakes, keras_early_stopping)
from helpers.checks.lessons_07_08 import (check_csv_to_images, check_label_verdict,
                                          check_mnist_preparation, check_round_trip,
                                          check_submission_table, check_trained_with)

__all__ = ["Check", "check_accuracy", "check_answer", "check_labels", "check_model",
           "check_param_count", "check_scaled", "check_shape",
           "check_average_digit", "check_convolution", "check_diagonal_kernel",
           "check_first_index", "check_preparation",
           "check_gradient_step", "check_momentum_step",
           "EARLY_STOPPING_CASES", "check_confusion_counts", "check_early_stopping",
           "check_feature_rows", "check_unsure_mistakes", "keras_early_stopping",
           "check_csv_to_images", "check_label_verdict", "check_mnist_preparation",
           "check_round_trip", "check_submission_table", "check_trained_with"]
