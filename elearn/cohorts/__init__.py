"""Cohorts: training groups that follow one course version, their leads, invitations and reports."""
