import { PageSkeleton } from "@/components/page-skeleton";

export default function StepLoading() {
  return <PageSkeleton label="Loading the step" />;
}
