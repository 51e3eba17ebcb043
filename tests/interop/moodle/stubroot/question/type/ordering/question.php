<?php
// Stand-in for Moodle's question/type/ordering/question.php (ours, not Moodle's): importing needs only the
// constants of qtype_ordering_question, with the values Moodle 4.4+ gives them; the attempt and grading
// code of the real class is not used by an import.
defined('MOODLE_INTERNAL') || die();

class qtype_ordering_question {
    const MIN_SUBSET_ITEMS = 2;
    const NUMBERING_STYLE_DEFAULT = 'none';
    const SELECT_ALL = 0;
    const SELECT_RANDOM = 1;
    const SELECT_CONTIGUOUS = 2;
    const LAYOUT_VERTICAL = 0;
    const LAYOUT_HORIZONTAL = 1;
    const GRADING_ALL_OR_NOTHING = -1;
    const GRADING_ABSOLUTE_POSITION = 0;
    const GRADING_RELATIVE_NEXT_EXCLUDE_LAST = 1;
    const GRADING_RELATIVE_NEXT_INCLUDE_LAST = 2;
    const GRADING_RELATIVE_ONE_PREVIOUS_AND_NEXT = 3;
    const GRADING_RELATIVE_ALL_PREVIOUS_AND_NEXT = 4;
    const GRADING_LONGEST_ORDERED_SUBSET = 5;
    const GRADING_LONGEST_CONTIGUOUS_SUBSET = 6;
    const GRADING_RELATIVE_TO_CORRECT = 7;
}
