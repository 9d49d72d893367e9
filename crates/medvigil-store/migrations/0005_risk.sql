-- Reserved for a later issue; intentionally empty until then.
SELECT 1;
